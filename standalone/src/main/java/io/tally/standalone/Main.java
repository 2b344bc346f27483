package io.tally.standalone;

/** Entry point of {@code tally.jar}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(TallyCommand.commandLine().execute(args));
    }
}
