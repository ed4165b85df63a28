/**
 * A real Spark standalone cluster on 127.0.0.1 (one master, N workers, each its own JVM) for the cluster tests and
 * the {@code bench spark-*} commands, and the {@code spark-submit} settings jobs are submitted with.
 */
package dev.align4j.spark.cluster;
