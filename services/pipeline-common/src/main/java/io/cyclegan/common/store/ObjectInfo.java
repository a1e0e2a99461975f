package io.cyclegan.common.store;

import java.time.Instant;

/** What a listing or a stat says of an object. */
public record ObjectInfo(String key, long size, String etag, Instant lastModified) {}
