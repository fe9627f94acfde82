package io.github.taco.index;

import java.io.IOException;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

/**
 * Lucene's default codec with one change: vector fields use {@link HighDimHnsw}, the standard HNSW
 * format with a dimension limit of {@value #MAX_DIMENSIONS} instead of Lucene 9's 1024, so models
 * with d = 1536 or 2048 can be indexed. Registered by SPI (META-INF/services) so that an index
 * written with it opens in any JVM that has this jar.
 */
public final class TacoCodec extends FilterCodec {
    public static final String NAME = "TacoCodec912";
    /** The largest vector dimension this codec accepts. */
    public static final int MAX_DIMENSIONS = 4096;

    private final KnnVectorsFormat vectors;

    /** Default HNSW parameters (M = 16, beam width 100); the no-argument constructor SPI needs. */
    public TacoCodec() {
        this(Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN, Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH);
    }

    /**
     * @param maxConn   HNSW M, the neighbours per node (more: better recall, bigger graph)
     * @param beamWidth HNSW efConstruction (more: better graph, slower indexing)
     */
    public TacoCodec(int maxConn, int beamWidth) {
        super(NAME, new Lucene912Codec());
        HighDimHnsw format = new HighDimHnsw(maxConn, beamWidth);
        this.vectors = new PerFieldKnnVectorsFormat() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return format;
            }

            @Override
            public int getMaxDimensions(String fieldName) {
                return MAX_DIMENSIONS;
            }
        };
    }

    @Override
    public KnnVectorsFormat knnVectorsFormat() {
        return vectors;
    }

    /** Ensures the SPI name resolves (fails early with a clear message when the service file is missing). */
    static Codec check() {
        return Codec.forName(NAME);
    }

    /** Lucene99 HNSW vectors with a higher dimension limit; reads and writes exactly that format. */
    public static final class HighDimHnsw extends KnnVectorsFormat {
        public static final String NAME = "TacoHighDimHnsw";
        private final Lucene99HnswVectorsFormat delegate;

        /** For reading (SPI): the graph parameters are stored in the segment, not needed here. */
        public HighDimHnsw() {
            this(Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN, Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH);
        }

        public HighDimHnsw(int maxConn, int beamWidth) {
            super(NAME);
            this.delegate = new Lucene99HnswVectorsFormat(maxConn, beamWidth);
        }

        @Override
        public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
            return delegate.fieldsWriter(state);
        }

        @Override
        public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
            return delegate.fieldsReader(state);
        }

        @Override
        public int getMaxDimensions(String fieldName) {
            return MAX_DIMENSIONS;
        }

        @Override
        public String toString() {
            return NAME + "(" + delegate + ")";
        }
    }
}
