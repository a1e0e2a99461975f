/** The object store (any S3-compatible server through the MinIO client) and its key layout. */
package io.cyclegan.common.store;
