/**
 * {@code cyclegan dataset}: uploading images to a dataset and learning what the ingest made of
 * them.
 */
package io.cyclegan.cli.dataset;
