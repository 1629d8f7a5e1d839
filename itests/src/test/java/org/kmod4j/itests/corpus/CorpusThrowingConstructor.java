package org.kmod4j.itests.corpus;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;

/** A Module-Init whose constructor throws (EIO, init failed). */
public class CorpusThrowingConstructor implements ModuleInit {

    public CorpusThrowingConstructor() {
        throw new IllegalStateException("corpus constructor breaks");
    }

    @Override
    public void init(ModuleContext context) {
    }
}
