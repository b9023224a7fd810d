package io.zeroserve.perf;
