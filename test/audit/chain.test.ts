/**
 * The audit log is tamper-evident: `anrf audit verify` exits 0 on an intact log and 1 naming the
 * first bad line for an edit, a deletion, an insertion, a reorder, and — with a signed checkpoint —
 * a cut tail or a log rewritten from scratch.
 */
import { describe, expect, it } from "vitest";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../cli/main.js";
import type { CliIo } from "../../cli/io.js";
import { appendAuditEntries } from "../../audit/log.js";
import { GENESIS, recordLine, sealRecord } from "../../audit/record.js";
import { checkChain } from "../../audit/chain-check.js";
import { signerFromPrivateKey } from "../../proofs-cache/envelope.js";

function io(cwd: string): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), cwd, env: {}, isTTY: false };
}

const auditor = (() => {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { signer: { ...signerFromPrivateKey(privateKey), keyid: "auditor" }, privatePem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(), publicPem: publicKey.export({ format: "pem", type: "spki" }).toString() };
})();

/** A log of `n` records (one append each, like n runs), its checkpoint and a registry trusting the auditor. */
function makeLog(n: number, withCheckpoint = true) {
  const dir = mkdtempSync(join(tmpdir(), "anrf-audit-"));
  const log = join(dir, "audit.jsonl");
  for (let i = 0; i < n; i++) {
    appendAuditEntries(log, [{ event: i % 2 === 0 ? "run" : "violation", subject: `sha256:${"ab".repeat(32)}`, details: { entry: `f${i}`, status: i % 2 === 0 ? "ok" : "violation", note: "line\u001b[31m red" } }], withCheckpoint ? { signer: auditor.signer } : {});
  }
  writeFileSync(join(dir, "keys.json"), JSON.stringify({ keys: [{ id: "auditor", publicKey: auditor.publicPem, roles: ["audit"] }] }));
  return { dir, log, lines: () => readFileSync(log, "utf8").split("\n").slice(0, -1) };
}

async function verify(dir: string, checkpoint = false): Promise<{ code: number; out: string }> {
  const t = io(dir);
  const args = ["audit", "verify", "audit.jsonl", ...(checkpoint ? ["--checkpoint", "audit.jsonl.checkpoint", "--keys", "keys.json"] : [])];
  const code = await runCli(args, t);
  return { code, out: t.out.join("") + t.err.join("") };
}

const rewrite = (log: string, lines: readonly string[]) => writeFileSync(log, lines.map((l) => `${l}\n`).join(""));

describe("audit log: hash chain", () => {
  it("an intact log verifies (exit 0), with and without its checkpoint", async () => {
    const { dir, lines } = makeLog(6);
    expect(lines()).toHaveLength(6);
    expect(await verify(dir)).toMatchObject({ code: 0, out: expect.stringMatching(/intact, 6 records/) });
    expect(await verify(dir, true)).toMatchObject({ code: 0, out: expect.stringMatching(/checkpoint seq 6 signed by auditor matches/) });
  });

  it("an edited line is named (its hash no longer matches)", async () => {
    const { dir, log, lines } = makeLog(6);
    const all = lines();
    all[3] = all[3]!.replace('"status":"violation"', '"status":"ok"');
    rewrite(log, all);
    expect(await verify(dir)).toMatchObject({ code: 1, out: expect.stringMatching(/audit\.jsonl:4: ANRF_AUDIT_HASH/) });
  });

  it("an edit that re-hashes the line is caught at the next line (prev)", async () => {
    const { dir, log, lines } = makeLog(6);
    const all = lines();
    const r = JSON.parse(all[3]!);
    expect(r.details.status).toBe("violation");
    const forged = sealRecord({ event: r.event, subject: r.subject, details: { ...r.details, status: "ok" } }, { seq: r.seq, prev: r.prev, time: r.time, actor: r.actor });
    all[3] = recordLine(forged).trimEnd();
    rewrite(log, all);
    expect(await verify(dir)).toMatchObject({ code: 1, out: expect.stringMatching(/audit\.jsonl:5: ANRF_AUDIT_PREV/) });
  });

  it("a deleted line is named at the gap", async () => {
    const { dir, log, lines } = makeLog(6);
    rewrite(log, lines().filter((_, i) => i !== 2));
    expect(await verify(dir)).toMatchObject({ code: 1, out: expect.stringMatching(/audit\.jsonl:3: ANRF_AUDIT_SEQ/) });
  });

  it("an inserted line is named", async () => {
    const { dir, log, lines } = makeLog(6);
    const all = lines();
    const prev = JSON.parse(all[1]!);
    const inserted = recordLine(sealRecord({ event: "run", subject: null, details: { entry: "forged", status: "ok" } }, { seq: 3, prev: prev.hash, time: prev.time, actor: prev.actor })).trimEnd();
    rewrite(log, [...all.slice(0, 2), inserted, ...all.slice(2)]);
    expect(await verify(dir)).toMatchObject({ code: 1, out: expect.stringMatching(/audit\.jsonl:4: ANRF_AUDIT_SEQ/) });
  });

  it("reordered lines are named", async () => {
    const { dir, log, lines } = makeLog(6);
    const all = lines();
    [all[3], all[4]] = [all[4]!, all[3]!];
    rewrite(log, all);
    expect(await verify(dir)).toMatchObject({ code: 1, out: expect.stringMatching(/audit\.jsonl:4: ANRF_AUDIT_SEQ/) });
  });

  it("a cut tail passes the chain alone but not the signed checkpoint", async () => {
    const { dir, log, lines } = makeLog(6);
    rewrite(log, lines().slice(0, 4));
    expect((await verify(dir)).code).toBe(0); // the limit of a hash chain…
    expect(await verify(dir, true)).toMatchObject({ code: 1, out: expect.stringMatching(/audit\.jsonl:5: ANRF_AUDIT_TRUNCATED.*seq 4.*seq 6/) }); // …closed by the checkpoint
  });

  it("a log rewritten from scratch (a valid chain of other records) fails against the checkpoint", async () => {
    const { dir, log } = makeLog(6);
    let prev = GENESIS;
    const forged: string[] = [];
    for (let seq = 1; seq <= 6; seq++) {
      const r = sealRecord({ event: "run", subject: null, details: { entry: "clean", status: "ok" } }, { seq, prev, time: "2026-12-03T00:00:00.000Z", actor: "anrf:root(uid 0)" });
      prev = r.hash;
      forged.push(recordLine(r).trimEnd());
    }
    rewrite(log, forged);
    expect((await verify(dir)).code).toBe(0);
    expect(await verify(dir, true)).toMatchObject({ code: 1, out: expect.stringMatching(/ANRF_AUDIT_CHECKPOINT_MISMATCH/) });
  });

  it("anrf audit checkpoint signs the current head for the operator to keep", async () => {
    const { dir, log, lines } = makeLog(3, false);
    writeFileSync(join(dir, "auditor.key"), auditor.privatePem);
    const t = io(dir);
    expect(await runCli(["audit", "checkpoint", "audit.jsonl", "--key", "auditor.key"], t)).toBe(0);
    expect(t.out.join("")).toMatch(/checkpoint of audit\.jsonl at seq 3/);
    expect((await verify(dir, true)).code).toBe(0);
    rewrite(log, lines().slice(0, 2));
    expect(await verify(dir, true)).toMatchObject({ code: 1, out: expect.stringMatching(/audit\.jsonl:3: ANRF_AUDIT_TRUNCATED/) });
  });

  it("a checkpoint not signed by an 'audit' key of the registry is refused (exit 2)", async () => {
    const { dir } = makeLog(2);
    writeFileSync(join(dir, "keys.json"), JSON.stringify({ keys: [{ id: "auditor", publicKey: auditor.publicPem, roles: ["security-lead"] }] }));
    expect(await verify(dir, true)).toMatchObject({ code: 2, out: expect.stringMatching(/ANRF_CHECKPOINT_SIGNATURE/) });
  });

  it("a partial last line (interrupted write or cut mid-line) is named; the writer refuses to chain onto it", async () => {
    const { dir, log } = makeLog(3, false);
    const text = readFileSync(log, "utf8");
    writeFileSync(log, text.slice(0, text.length - 10));
    expect(await verify(dir)).toMatchObject({ code: 1, out: expect.stringMatching(/audit\.jsonl:3: ANRF_AUDIT_PARTIAL_LINE/) });
    expect(() => appendAuditEntries(log, [{ event: "run", subject: null, details: {} }])).toThrow(/partial line/);
  });

  it("audit show escapes control characters from records and filters by event and time", async () => {
    const { dir } = makeLog(4, false);
    const t = io(dir);
    expect(await runCli(["audit", "show", "audit.jsonl", "--event", "violation"], t)).toBe(0);
    const out = t.out.join("");
    expect(out).not.toMatch(/\u001b/);
    expect(out).toMatch(/#2 .* violation/);
    expect(out).not.toMatch(/#1 /);
    expect(out).toMatch(/2 of 4 records shown/);
    const later = io(dir);
    await runCli(["audit", "show", "audit.jsonl", "--since", "2999-01-01T00:00:00Z"], later);
    expect(later.out.join("")).toMatch(/0 of 4 records shown/);
  });

  it("checkChain agrees with the writer over many appends in one call and across calls", () => {
    const { log } = makeLog(0, false);
    appendAuditEntries(log, Array.from({ length: 20 }, (_, i) => ({ event: "run" as const, subject: null, details: { i } })));
    appendAuditEntries(log, [{ event: "run", subject: null, details: { big: "x".repeat(20_000) } }]);
    appendAuditEntries(log, [{ event: "run", subject: null, details: { after: true } }]);
    const check = checkChain(readFileSync(log, "utf8"));
    expect(check.problem).toBeUndefined();
    expect(check.records.map((r) => r.seq)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
  });
});
