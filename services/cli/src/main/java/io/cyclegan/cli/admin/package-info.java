/** {@code cyclegan admin}: operator tasks, such as creating the pipeline's topics. */
package io.cyclegan.cli.admin;
