package dev.align4j.spark.io;

import java.io.Serializable;

/**
 * One input row: the file it came from (index into {@link InputDataset#labels()}), its 1-based line number in that
 * file (for Parquet: its 1-based row number) and its text (a JSON object for Parquet rows).
 *
 * @param file index of the file in the dataset's sorted file list
 * @param line 1-based line (row) number within that file
 * @param text the line
 */
public record InputRow(int file, long line, String text) implements Serializable {}
