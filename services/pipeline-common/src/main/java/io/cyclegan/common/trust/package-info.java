/** What the pipeline trusts from outside: reply topics, log values, reason codes, safe messages. */
package io.cyclegan.common.trust;
