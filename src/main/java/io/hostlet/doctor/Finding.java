package io.hostlet.doctor;

/**
 * One check's outcome.
 *
 * @param check  what was checked, e.g. {@code engine}
 * @param status ok, warning or failure
 * @param detail what was found
 * @param fix    what to do about it; empty when nothing
 */
public record Finding(String check, Status status, String detail, String fix) {

    /** How bad a finding is; the command's exit code is the worst one's. */
    public enum Status {
        OK(0), WARN(1), FAIL(2);

        private final int exitCode;

        Status(int exitCode) {
            this.exitCode = exitCode;
        }

        /** 0 ok, 1 warnings, 2 failures. */
        public int exitCode() {
            return exitCode;
        }
    }

    static Finding ok(String check, String detail) {
        return new Finding(check, Status.OK, detail, "");
    }

    static Finding warn(String check, String detail, String fix) {
        return new Finding(check, Status.WARN, detail, fix);
    }

    static Finding fail(String check, String detail, String fix) {
        return new Finding(check, Status.FAIL, detail, fix);
    }
}
