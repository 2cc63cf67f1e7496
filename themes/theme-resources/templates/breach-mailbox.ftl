<#import "template.ftl" as layout>
<#-- Mailbox proof (Breach Response for Keycloak): the login stops here; the emailed link is the only way on. -->
<@layout.registrationLayout displayMessage=false; section>
<!-- template: breach-mailbox.ftl -->
    <#if section = "header">
        ${msg("breachMailboxTitle")}
    <#elseif section = "form">
    <div id="breach-mailbox" class="${properties.kcContentWrapperClass!}">
        <#if breachMailboxSent>
            <p id="breach-mailbox-sent">${msg("breachMailboxSent")}</p>
        <#else>
            <div class="${properties.kcAlertClass!} pf-m-danger">
                <div class="${properties.kcAlertIconClass!}"><i class="${properties.kcFeedbackErrorIcon!}" aria-hidden="true"></i></div>
                <span id="breach-mailbox-failed" class="${properties.kcAlertTitleClass!}">${msg("breachMailboxFailed")}</span>
            </div>
        </#if>
        <p>${msg("breachNoticePhishing1")}</p>
    </div>
    </#if>
</@layout.registrationLayout>
