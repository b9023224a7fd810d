package io.zeroserve;

import io.zeroserve.script.ScriptChain;
import io.zeroserve.script.ScriptConfig;
import io.zeroserve.script.ScriptHost;
import io.zeroserve.script.ScriptLoadException;
import io.zeroserve.script.ScriptSource;
import io.zeroserve.script.ScriptSources;
import io.zeroserve.script.SiteFiles;
import io.zeroserve.site.Site;
import io.zeroserve.site.SiteLoadException;
import io.zeroserve.site.TarEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

/** Glue between sites and scripts: which scripts a site brings, and the site files scripts may read. */
final class SiteScripts {
    /** Files scripts read with {@code zs_load_static_json} stay below this size. */
    private static final long MAX_READ_BYTES = 16L << 20;

    private SiteScripts() {
    }

    /**
     * The tar to open for a site argument: the tar itself, or, for a standalone {@code .c}/{@code .o}, a temporary
     * tar holding only {@code .zeroserve/scripts/<stem>.o} (mtime 0), so that no static file is served.
     */
    static Path siteTar(Path site) throws SiteLoadException {
        if (!ScriptConfig.isStandaloneScript(site)) {
            return site;
        }
        try {
            ScriptSource script = ScriptSources.fromFile(site).getFirst();
            Path tar = Files.createTempFile("zeroserve-standalone", ".tar");
            tar.toFile().deleteOnExit();
            try (OutputStream out = Files.newOutputStream(tar); TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
                TarArchiveEntry e = new TarArchiveEntry(ScriptSources.SCRIPTS_DIR + script.name());
                e.setSize(script.elf().length);
                e.setModTime(FileTime.fromMillis(0));
                t.putArchiveEntry(e);
                t.write(script.elf());
                t.closeArchiveEntry();
            }
            return tar;
        } catch (ScriptLoadException e) {
            throw new SiteLoadException(e.getMessage(), e);
        } catch (IOException e) {
            throw new SiteLoadException(site + ": cannot wrap the standalone script: " + e.getMessage(), e);
        }
    }

    /** Loads plugins then the site's own scripts. Any failure fails the whole load. */
    static ScriptChain load(ScriptHost host, ScriptConfig config, Path siteArgument, Site site)
            throws ScriptLoadException {
        List<ScriptSource> sources = new ArrayList<>(ScriptSources.plugins(config.plugins(), config.pluginDirs()));
        sources.addAll(ScriptSources.fromSite(siteArgument.toString(), site.index().files().keySet(),
                path -> site.readAll(site.fileAt(path))));
        SiteFiles files = ScriptConfig.isStandaloneScript(siteArgument) ? null : files(site);
        return host.load(sources, files);
    }

    /**
     * The files of the site the scripts were loaded with (a reload loads new scripts with the new site). Each read
     * retains the site, so a reload cannot close the tar mid-read; a site already closed reads as empty.
     */
    private static SiteFiles files(Site site) {
        return new SiteFiles() {
            @Override
            public byte[] read(String path) {
                if (!site.retain()) {
                    return null;
                }
                try {
                    TarEntry e = site.fileAt(path);
                    if (e == null || e.size() > MAX_READ_BYTES) {
                        return null;
                    }
                    return site.readAll(e);
                } catch (IOException e) {
                    return null;
                } finally {
                    site.release();
                }
            }

            @Override
            public FileInfo info(String path) {
                if (!site.retain()) {
                    return null;
                }
                try {
                    TarEntry e = site.fileAt(path);
                    return e == null ? null : new FileInfo(e.size(), e.etagHex(), e.mtimeSeconds());
                } finally {
                    site.release();
                }
            }
        };
    }
}
