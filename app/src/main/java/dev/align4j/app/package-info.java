/**
 * The application around the library: the {@code ./align4j} command line ({@link dev.align4j.app.cli}), the
 * benchmarks and the demo with its embedded tiny model ({@link dev.align4j.app.demo}). Nothing in the library
 * modules depends on this one; it is the only module with a logging binding and a bundled native libtorch.
 */
package dev.align4j.app;
