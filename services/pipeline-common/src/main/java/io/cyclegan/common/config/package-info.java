/** Configuration read once from environment variables into immutable records. */
package io.cyclegan.common.config;
