/**
 * The built-in policy, used when the operator gives none: secure by default. Filesystem None,
 * network off, memory <= 256 MiB, time <= 10 s, worker threads only for documents that do not
 * ask for process isolation (a document that asks for it always gets it), unproved obligations
 * run with their checks, no mount and no override honoured (no permit for them: Cedar denies
 * by default).
 */
export const DEFAULT_POLICY_NAME = "<built-in default policy>";

export const DEFAULT_POLICY = `// anrf built-in default policy (secure by default)
@id("default-filesystem-none")
permit (principal, action == Anrf::Action::"filesystem", resource)
when { context.access == "None" };

@id("default-network-off")
permit (principal, action == Anrf::Action::"network", resource)
when { !context.enabled };

@id("default-memory-256mib")
permit (principal, action == Anrf::Action::"memory", resource)
when { context.mib <= 256 };

@id("default-time-10s")
permit (principal, action == Anrf::Action::"time", resource)
when { context.ms <= 10000 };

@id("default-thread-when-not-asked")
permit (principal, action == Anrf::Action::"threadIsolation", resource);

@id("default-unproved-keeps-checks")
permit (principal, action == Anrf::Action::"runUnproved", resource);
`;
