/**
 * The JSON wire format of Tally's topics. {@link io.tally.core.codec.AuditCodec} encodes and decodes every
 * {@link io.tally.core.WireMessage}; the JSON Schema {@code io/tally/core/codec/tally-wire.schema.json} (on the
 * classpath of this module) documents the format for agents written in other languages.
 */
package io.tally.core.codec;
