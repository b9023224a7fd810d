package io.zeroserve.ffi;
