/** The fault model: which errors are transient, how long to wait for them, and who is waiting. */
package io.cyclegan.common.fault;
