/** Who is calling the HTTP API and what they may do: bearer tokens, OIDC JWTs and scopes. */
package io.cyclegan.ingest.auth;
