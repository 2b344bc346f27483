package io.tally.api.internal.http;

/**
 * A request the API refuses, with the status to answer and, for a bad parameter, which one. Its message is shown
 * to the client as the JSON error.
 */
public final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String parameter;

    private ApiError(int status, String message, String parameter) {
        super(message, null, false, false);
        this.status = status;
        this.parameter = parameter;
    }

    /** 400: a parameter is malformed or out of range. */
    public static ApiError badParameter(String parameter, String message) {
        return new ApiError(400, message, parameter);
    }

    /** 401: no token, or not one of the configured ones. */
    public static ApiError unauthorized() {
        return new ApiError(401, "a valid bearer token is required (Authorization: Bearer <token>)", null);
    }

    /** 404: nothing at this path. */
    public static ApiError notFound(String message) {
        return new ApiError(404, message, null);
    }

    public int status() {
        return status;
    }

    /** @return the parameter at fault, or null */
    public String parameter() {
        return parameter;
    }
}
