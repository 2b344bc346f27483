/**
 * The HTTP side of the API: routes, parameter validation, bearer tokens and the JSON of answers and errors. Every
 * error is JSON ({@code {"error": ..., "parameter": ...}}); the store being unreachable is 503.
 */
package io.tally.api.internal.http;
