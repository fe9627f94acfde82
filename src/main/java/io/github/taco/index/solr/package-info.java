/**
 * The SolrCloud backend of {@link io.github.taco.index.ClipIndex}: a collection per index, sharded and
 * replicated by Solr, searched by its distributed kNN; the cascade's s2 and s3 are computed by
 * {@link io.github.taco.index.CascadeSearcher} from the frame vectors the documents carry.
 * The configset ships as resources under {@code solr/taco} (docs/search.md, "More than one machine").
 */
package io.github.taco.index.solr;
