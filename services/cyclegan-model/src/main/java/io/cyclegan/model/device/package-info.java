/** Choosing the DJL device a job runs on, failing clearly when a requested GPU is not usable. */
package io.cyclegan.model.device;
