/** What every service's composition root starts and stops the same way. */
package io.cyclegan.common.runtime;
