/**
 * How listing and state commands print: a table for people, JSON or YAML for scripts ({@code -o}).
 */
package io.cyclegan.cli.output;
