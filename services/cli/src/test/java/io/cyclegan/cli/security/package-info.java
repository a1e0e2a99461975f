/** Proofs that the services work with only the rights docs/least-privilege.md grants them. */
package io.cyclegan.cli.security;
