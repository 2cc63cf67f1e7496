<#ftl output_format="plainText">
${msg("breachReportReceivedWhat", reportedUsername, reportedUserId, realmName, msg("breachReportChange." + change), when)}

${msg("breachReportReceivedDone", incidentId)}
