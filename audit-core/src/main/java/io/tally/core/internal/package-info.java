/**
 * Implementation details of audit-core (hash mixing, varints, JSON field readers). Not part of the API: other
 * modules must not use these types.
 */
package io.tally.core.internal;
