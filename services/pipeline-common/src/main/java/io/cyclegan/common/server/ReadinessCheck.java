package io.cyclegan.common.server;

import java.util.function.BooleanSupplier;

/** One named condition of {@code /readyz}, e.g. "kafka" or "object-store". */
public record ReadinessCheck(String name, BooleanSupplier check) {}
