/**
 * Datasets in and out of the Spark jobs: {@link dev.align4j.spark.io.InputDataset} reads JSONL files, folders of
 * part files or Parquet from any Hadoop file system URI with the right line numbers however the input is split;
 * {@link dev.align4j.spark.io.OutputDataset} writes the executors' results as Parquet or JSONL part files with a
 * manifest, committed by one rename so that a failed job leaves nothing that looks complete.
 */
package dev.align4j.spark.io;
