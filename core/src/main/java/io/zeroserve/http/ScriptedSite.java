package io.zeroserve.http;

import io.zeroserve.script.ScriptChain;
import io.zeroserve.site.Site;

/**
 * A site and the script chain loaded with it. A reload replaces both as one value, so a request never runs the
 * scripts of one site against the files of another ({@link ZeroServeHandler} checks that the site it holds is the
 * one this value names).
 */
public record ScriptedSite(Site site, ScriptChain chain) {
}
