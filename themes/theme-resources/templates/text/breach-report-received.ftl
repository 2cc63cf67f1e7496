<#ftl output_format="plainText">
${msg("breachReportReceivedWhat", reportedUsername, reportedUserId, realmName, msg("breachReportChange." + change), when)}

${msg("breachReportReceivedDone", incidentId)}

<#if factorsRemoved gt 0>
${msg("breachReportReceivedFactorRemoved")}
</#if>
