package dev.align4j.spark.io;

import java.io.Serializable;

/**
 * One input row: the file it came from (index into {@link InputDataset#labels()}), its 1-based line number in that
 * file (for Parquet: its 1-based row number) and its bytes, not yet decoded ({@link InputDataset#parse} decodes them
 * as strict UTF-8; a Parquet row is the UTF-8 of its JSON object).
 *
 * @param file index of the file in the dataset's sorted file list
 * @param line 1-based line (row) number within that file
 * @param bytes the line's bytes, without its line terminator
 */
public record InputRow(int file, long line, byte[] bytes) implements Serializable {}
