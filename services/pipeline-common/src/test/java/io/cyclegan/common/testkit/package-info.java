/** The one test kit every module's tests use to reach the embedded stack and run services. */
package io.cyclegan.common.testkit;
