package io.hostlet.desired;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * A source as status shows it. Fields that do not apply to a source type are null (and left out of JSON).
 *
 * @param type          {@code folder} or {@code git}
 * @param location      the folder path, or the repository URL without credentials
 * @param branch        git: the branch followed
 * @param commit        git: the commit in force; also labels containers as {@code io.hostlet.revision}
 * @param commitMessage git: its subject line
 * @param fetchedAt     git: when the last fetch succeeded
 * @param lastError     why the last sync failed; null when it did not
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourceInfo(String type, String location, String branch, String commit, String commitMessage,
                         Instant fetchedAt, String lastError) {

    /** A plain folder. */
    public static SourceInfo folder(String path) {
        return new SourceInfo("folder", path, null, null, null, null, null);
    }
}
