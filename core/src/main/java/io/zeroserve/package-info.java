package io.zeroserve;
