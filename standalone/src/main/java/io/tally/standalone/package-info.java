/**
 * The {@code tally} command line ({@code ./tally} at the repository root runs it): each role of Tally alone, or
 * all of them in one JVM. Built on picocli; one class per subcommand.
 */
package io.tally.standalone;
