/** Rules that hold the modules' layering across the whole code base. */
package io.cyclegan.architecture;
