<#ftl output_format="plainText">
${msg("breachAlertWhat." + kind, count, realmLabel, threshold, when)}

<#if items?size gt 0>
<#list items as item>
<#if item.path??>
- ${item.path}: ${msg("breachAlertGapLine", item.refused, item.lastSeen)}
</#if>
<#if item.outbox??>
- ${msg("breachAlertOutbox." + item.outbox)}: ${item.count}
</#if>
</#list>

</#if>
${msg("breachAlertDo." + kind)}

${msg("breachAlertNext", intervalMinutes)}

${msg("breachAlertFooter", realmLabel)}
