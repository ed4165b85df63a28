/**
 * The Spark jobs: {@link dev.align4j.spark.jobs.CheckJob} ({@code verify} and {@code bon-score}: validate every row,
 * then check partitions on a bounded per-executor worker pool; the executors write the output parts) and
 * {@link dev.align4j.spark.jobs.RefLogprobsJob} (reference log-probs in the single-machine batches, one model load
 * per partition, the rows and the reference log-prob cache written as part files).
 */
package dev.align4j.spark.jobs;
