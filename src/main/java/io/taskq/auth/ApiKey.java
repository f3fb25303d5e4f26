package io.taskq.auth;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * An API key as stored: never its secret, only a hash of it (not in this record) and a prefix.
 *
 * @param projectId the one project the key may touch, or null for every project
 * @param rateLimitPerMinute requests a minute across all instances, or null for no limit
 * @param lastUsedAt when the key last authenticated a request, to the minute at best (see {@link KeyUsage}); null if never
 */
public record ApiKey(
    UUID id,
    String name,
    String prefix,
    Long projectId,
    Set<Permission> permissions,
    Instant createdAt,
    Instant revokedAt,
    Integer rateLimitPerMinute,
    Instant lastUsedAt) {

  public boolean allows(Permission permission) {
    return permissions.contains(Permission.ADMIN) || permissions.contains(permission);
  }

  public boolean reaches(long project) {
    return projectId == null || projectId == project;
  }
}
