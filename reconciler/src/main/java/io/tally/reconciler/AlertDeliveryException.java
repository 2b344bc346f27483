package io.tally.reconciler;

import io.tally.core.RetriableTallyException;

/** An alert sink could not deliver an alert; the reconciler tries again later. */
public class AlertDeliveryException extends RetriableTallyException {
    private static final long serialVersionUID = 1L;

    public AlertDeliveryException(String message) {
        super(message);
    }

    public AlertDeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
