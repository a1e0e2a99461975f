/** The command topic: the paused poll loop with its commit rule, and the cancel watcher. */
package io.cyclegan.training.commands;
