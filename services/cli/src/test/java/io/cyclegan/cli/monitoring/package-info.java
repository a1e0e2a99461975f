/** The dashboard's and the alerts' queries checked against what the services expose. */
package io.cyclegan.cli.monitoring;
