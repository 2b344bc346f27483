/**
 * How every tier counts a message: which event-time bucket it falls in, and what is added there. The agents and the
 * log-tier job count with these classes alone, so that a rule changed here is changed for every tier.
 */
package io.tally.core.counting;
