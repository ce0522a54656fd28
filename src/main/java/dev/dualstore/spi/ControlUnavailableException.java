package dev.dualstore.spi;

/** A {@link MigrationControl} could not reach the store that holds it; nothing was read or changed. */
public class ControlUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was being done, and on which control
     * @param cause   why it failed
     */
    public ControlUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
