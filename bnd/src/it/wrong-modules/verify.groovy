// Each wrong module failed its own build at bnd, with the annotation, the class and the rule;
// the module without @ModuleName built, with the warning.
log = new File(basedir, 'build.log').text

def failsWith(String module, String message) {
    def summary = (log =~ /(?m)^\[INFO\] ${module} \.+ (\w+)/)
    assert summary.find() : "no reactor summary line for ${module}"
    assert summary.group(1) == 'FAILURE' : "${module}: ${summary.group(1)}"
    assert log.readLines().any { it.startsWith('[ERROR] Failed to execute goal biz.aQute.bnd:bnd-maven-plugin:')
            && it.contains(":jar (default-jar) on project ${module}: ${message} -> ") } : "${module}: not failed with ${message}"
}

failsWith('bad-default', "kmod4j: @ModuleParameter on org.kmod4j.it.baddefault.BadDefaultModule: default of parameter 'offset': not an integer: 'zero'")
failsWith('bad-name', "kmod4j: @ModuleName on org.kmod4j.it.badname.BadNameModule: invalid module name 'acme clock!': use 1-255 of [A-Za-z0-9_.-]")
failsWith('init-not-moduleinit', 'kmod4j: @ModuleInitializer on org.kmod4j.it.notinit.NotInitModule: Module-Init class org.kmod4j.it.notinit.NotInitModule does not implement org.kmod4j.api.ModuleInit')
failsWith('init-no-constructor', 'kmod4j: @ModuleInitializer on org.kmod4j.it.noctor.NoCtorModule: Module-Init class org.kmod4j.it.noctor.NoCtorModule has no public no-argument constructor (the container creates it with one)')

assert (log =~ /(?m)^\[INFO\] no-module-name \.+ SUCCESS/).find()
assert (log =~ /(?m)^\[WARNING\] .*kmod4j: org.kmod4j.it.noname.NoNameModule uses kmod4j annotations but the bundle has no @ModuleName: it loads as a module named after its Bundle-SymbolicName 'no-module-name'/).find()
assert new File(basedir, 'no-module-name/target/no-module-name-1.0.0.jar').isFile()
