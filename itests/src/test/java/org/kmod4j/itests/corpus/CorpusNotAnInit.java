package org.kmod4j.itests.corpus;

/** Named by a generated jar's Module-Init: it does not implement ModuleInit (ENOEXEC). */
public class CorpusNotAnInit {
}
