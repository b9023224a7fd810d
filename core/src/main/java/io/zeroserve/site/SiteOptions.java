package io.zeroserve.site;

/**
 * How a site is looked up and cached.
 *
 * @param indexName      the directory index file name ({@code --index}, default {@code index.html})
 * @param tryHtml        also try {@code <path>.html} ({@code --try-html}, default off)
 * @param cacheFileLimit files up to this many bytes are kept in memory (default 256 KiB)
 * @param cacheBudget    total bytes of the in-memory cache (default 64 MiB)
 */
public record SiteOptions(String indexName, boolean tryHtml, int cacheFileLimit, long cacheBudget) {
    public static final SiteOptions DEFAULTS = new SiteOptions("index.html", false, 256 * 1024, 64L << 20);

    public SiteOptions {
        if (indexName == null || indexName.isEmpty() || indexName.contains("/")) {
            throw new IllegalArgumentException("index name must be a plain file name, got '" + indexName + "'");
        }
    }
}
