<#import "template.ftl" as layout>
<#import "buttons.ftl" as buttons>
<#-- Breach notice (Breach Response for Keycloak): what was exposed, what to do, how to recognise phishing. -->
<@layout.registrationLayout displayMessage=false; section>
<!-- template: breach-notice.ftl -->
    <#if section = "header">
        ${msg("breachNoticeTitle")}
    <#elseif section = "form">
    <div id="breach-notice" class="${properties.kcContentWrapperClass!}">
        <p>${msg("breachNoticeIntro")}</p>
        <#list breachIncidents as incident>
            <p><strong>${msg("breachNoticeExposedIn", incident.title)}</strong></p>
            <ul class="pf-v5-c-list pf-v5-u-mb-md" role="list" id="breach-exposed-${incident?index}">
                <#list incident.exposedData as item><li>${msg("breachExposed." + item)}</li></#list>
            </ul>
        </#list>
        <#if breachMailbox>
            <p id="breach-todo">${msg("breachNoticeMailbox")}</p>
        <#elseif breachEnrolling>
            <p id="breach-todo">${msg("breachNoticeMustEnrol")}<#if breachPasswordChange> ${msg("breachNoticeMustChangePassword")}</#if></p>
        <#else>
            <p id="breach-todo">${msg("breachNoticeDone")}<#if breachPasswordChange> ${msg("breachNoticeMustChangePassword")}</#if></p>
        </#if>
        <#if breachNoticeText?has_content>
            <p id="breach-notice-text">${breachNoticeText}</p>
        </#if>
        <div class="${properties.kcAlertClass!} pf-m-info">
            <div class="${properties.kcAlertIconClass!}"><i class="${properties.kcFeedbackInfoIcon!}" aria-hidden="true"></i></div>
            <span class="${properties.kcAlertTitleClass!}">${msg("breachNoticePhishingTitle")}</span>
        </div>
        <ul class="pf-v5-c-list" role="list" id="breach-phishing">
            <li>${msg("breachNoticePhishing1")}</li>
            <li>${msg("breachNoticePhishing2")}</li>
            <li>${msg("breachNoticePhishing3")}</li>
        </ul>
    </div>
    <form id="kc-breach-notice-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="POST">
        <@buttons.actionGroup horizontal=true>
            <@buttons.button name="continue" id="kc-breach-continue" label="breachNoticeContinue"/>
            <#if breachCanPostpone>
                <@buttons.button name="postpone" id="kc-breach-postpone" label="breachNoticePostpone" type="secondary"/>
            </#if>
        </@buttons.actionGroup>
    </form>
    </#if>
</@layout.registrationLayout>
