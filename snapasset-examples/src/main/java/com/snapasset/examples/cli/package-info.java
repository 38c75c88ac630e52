/** The {@code snapasset} command line, built with picocli. */
@NullMarked
package com.snapasset.examples.cli;

import org.jspecify.annotations.NullMarked;
