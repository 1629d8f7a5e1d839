package org.kmod4j.launcher;

import static org.junit.Assert.assertEquals;
import static org.kmod4j.launcher.Kmod4jProcesses.HELLO;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.kmod4j.launcher.Kmod4jProcesses.Run;

/**
 * The forged-chain attack, with the JDK's keytool and jarsigner as an attacker would use them:
 * a look-alike CA with the trusted CA's name issues a leaf, and the jar is signed with
 * {@code jarsigner -certchain} (leaf + the real, public CA certificate). Under
 * {@code kmod4j.sig.enforce} the launcher's container refuses it with "Key was rejected by
 * service" and loads nothing. (Accepted chains: {@code SignerTrustTest} in the container.)
 */
public class ForgedSignerIT {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void aLookAlikeCaChainIsRefusedUnderSigEnforce() throws Exception {
        Path d = tmp.newFolder("keys").toPath();
        // the trusted CA; its key store is the trust store (every certificate in it is an anchor)
        Path trusted = d.resolve("ca.p12");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=kmod4j Real CA", "-ext", "bc:c",
                "-validity", "30", "-keystore", trusted.toString());
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", trusted.toString(), "-file", d.resolve("ca.pem").toString());
        // the attacker's look-alike CA, a leaf it certifies, the jar signed with leaf + the real CA certificate
        Path attacker = d.resolve("attacker.p12");
        keytool("-genkeypair", "-alias", "fakeca", "-keyalg", "EC", "-dname", "CN=kmod4j Real CA", "-ext", "bc:c",
                "-validity", "30", "-keystore", attacker.toString());
        keytool("-genkeypair", "-alias", "leaf", "-keyalg", "EC", "-dname", "CN=attacker", "-validity", "30",
                "-keystore", attacker.toString());
        keytool("-certreq", "-alias", "leaf", "-keystore", attacker.toString(), "-file", d.resolve("leaf.csr").toString());
        keytool("-gencert", "-rfc", "-alias", "fakeca", "-keystore", attacker.toString(),
                "-infile", d.resolve("leaf.csr").toString(), "-outfile", d.resolve("leaf.pem").toString());
        Path chain = d.resolve("chain.pem");
        Files.writeString(chain, Files.readString(d.resolve("leaf.pem")) + Files.readString(d.resolve("ca.pem")));
        Path forged = d.resolve("forged-hello.jar");
        Run signed = Kmod4jProcesses.run(new ProcessBuilder(jdkTool("jarsigner"), "-storetype", "PKCS12",
                "-keystore", attacker.toString(), "-storepass", "changeit", "-certchain", chain.toString(),
                "-signedjar", forged.toString(), HELLO, "leaf"));
        assertEquals("jarsigner: " + signed, 0, signed.status());

        List<String> command = Kmod4jProcesses.java(List.of("-Dkmod4j.sig.enforce=true", "-Dkmod4j.truststore=" + trusted,
                "-Dkmod4j.truststore.password=changeit"));
        command.addAll(List.of("-c", "insmod " + forged + "; lsmod"));
        Run run = Kmod4jProcesses.run(new ProcessBuilder(command).directory(d.toFile()));
        assertEquals(run.toString(), 1, run.status());
        assertEquals("insmod: ERROR: could not insert module " + forged + ": Key was rejected by service (signer not trusted:"
                + " no valid certificate path to the trust store: unable to find valid certification path to requested target)\n",
                run.err());
        assertEquals("nothing loaded, nothing run after the failure", "", run.out());
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(jdkTool("keytool"), "-storetype", "PKCS12", "-storepass", "changeit",
                "-keypass", "changeit"));
        command.addAll(List.of(args));
        Run run = Kmod4jProcesses.run(new ProcessBuilder(command));
        assertEquals("keytool: " + run, 0, run.status());
    }

    private static String jdkTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }
}
