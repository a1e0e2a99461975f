/** Which model version a request gets, and the bounded cache of loaded generators. */
package io.cyclegan.inference.models;
